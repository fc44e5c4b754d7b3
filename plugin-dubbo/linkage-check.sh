#!/usr/bin/env bash
# Checks that the Dubbo plugins' helpers link against every Dubbo version they claim (they are
# compiled against 3.1): dubbo27 against 2.7.x, dubbo3 against 3.1, 3.2 and 3.3. Fetches the
# jars with the Maven wrapper if needed.
set -euo pipefail
cd "$(dirname "$0")"
MVN=../mvnw
REPO=$("$MVN" -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || echo "$HOME/.m2/repository")
"$MVN" -B -q -o -pl agent-core,plugin-dubbo -am -f ../pom.xml test-compile
BB=$(ls "$REPO"/net/bytebuddy/byte-buddy/*/byte-buddy-*.jar | grep -v sources | sort -V | tail -1)
jar() { # version
  local f="$REPO/org/apache/dubbo/dubbo/$1/dubbo-$1.jar"
  [ -f "$f" ] || "$MVN" -B -q dependency:get -Dtransitive=false -Dartifact="org.apache.dubbo:dubbo:$1" >/dev/null
  printf '%s' "$f"
}
status=0
check() { # plugin version
  echo "$1 against Apache Dubbo $2:"
  java -cp "target/classes:../agent-core/target/classes:../agent-core/target/test-classes:$BB" \
    dev.lanes.testing.LinkageCheck "$1" org.apache.dubbo. target/classes "$(jar "$2")" || status=1
}
for v in ${DUBBO27_VERSIONS:-2.7.8 2.7.15 2.7.23}; do check dev.lanes.plugin.dubbo.v2_7.Dubbo27Plugin "$v"; done
for v in ${DUBBO3_VERSIONS:-3.1.0 3.1.11 3.2.0 3.2.19 3.3.0 3.3.6}; do check dev.lanes.plugin.dubbo.v3.Dubbo3Plugin "$v"; done
exit $status
