#!/usr/bin/env bash
# A rolling restart at load, with and without the agent: builds what is missing, then runs
# dev.lanes.demo.runner.bench.RollingRestart with the given options (--help lists them).
# See docs/lossless.md, "Measured".
set -euo pipefail
cd "$(dirname "$0")/.."

runner=demo-services/demo-runner/target/demo-runner.jar
agent=distribution/target/lanes-agent.jar
line_jar=demo-services/demo-app-boot33/target/demo-app.jar
if [[ ! -f $runner || ! -f $agent || ! -f $line_jar ]]; then
    echo "rolling-restart.sh: building the agent, the demo jars and the runner (./mvnw -B -DskipTests package)" >&2
    ./mvnw -B -q -DskipTests package -pl distribution,demo-services/demo-runner,demo-services/demo-app-boot33 -am
fi
exec java -cp "$runner" dev.lanes.demo.runner.bench.RollingRestart "$@"
