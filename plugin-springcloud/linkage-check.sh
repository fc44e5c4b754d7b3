#!/usr/bin/env bash
# Checks that the springcloud plugin's helpers link against every supported Spring Cloud line
# (they are compiled against the oldest). Fetches the jars with the Maven wrapper if needed.
set -euo pipefail
cd "$(dirname "$0")"
MVN=../mvnw
REPO=$("$MVN" -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || echo "$HOME/.m2/repository")
"$MVN" -B -q -o -pl agent-core,plugin-springcloud -am -f ../pom.xml test-compile
BB=$(ls "$REPO"/net/bytebuddy/byte-buddy/*/byte-buddy-*.jar | grep -v sources | sort -V | tail -1)
jar() { # group artifact version
  local f="$REPO/${1//.//}/$2/$3/$2-$3.jar"
  [ -f "$f" ] || "$MVN" -B -q dependency:get -Dtransitive=false -Dartifact="$1:$2:$3" >/dev/null
  printf '%s' "$f"
}
status=0
# spring-cloud-commons / Spring Framework / Reactor of Spring Cloud 2021.0, 2023.0, 2025.0, 2025.1
for line in "3.1.8 5.3.31 3.4.34" "4.1.5 6.1.21 3.6.18" "4.3.0 6.2.12 3.7.12" "5.0.0 7.0.8 3.8.6"; do
  set -- $line
  jars=""
  for a in commons loadbalancer context; do jars="$jars:$(jar org.springframework.cloud spring-cloud-$a "$1")"; done
  for a in core beans context web; do jars="$jars:$(jar org.springframework spring-$a "$2")"; done
  jars="$jars:$(jar io.projectreactor reactor-core "$3")"
  echo "spring-cloud-commons $1, Spring Framework $2, Reactor $3:"
  java -cp "target/classes:../agent-core/target/classes:../agent-core/target/test-classes:$BB" \
    dev.lanes.testing.LinkageCheck dev.lanes.plugin.springcloud.SpringCloudPlugin org.springframework.,reactor. \
    target/classes "${jars#:}" || status=1
done
exit $status
