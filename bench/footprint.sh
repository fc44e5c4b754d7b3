#!/usr/bin/env bash
# The whole agent against the bare application: builds what is missing, then runs
# dev.lanes.demo.runner.bench.FootprintBench with the given options (--help lists them).
# See docs/performance.md, "The whole agent against the bare application".
set -euo pipefail
cd "$(dirname "$0")/.."

runner=demo-services/demo-runner/target/demo-runner.jar
agent=distribution/target/lanes-agent.jar
line_jar=demo-services/demo-app-dubbo33/target/demo-app.jar
if [[ ! -f $runner || ! -f $agent || ! -f $line_jar ]]; then
    echo "footprint.sh: building the agent, the demo jars and the runner (./mvnw -B -DskipTests package)" >&2
    ./mvnw -B -q -DskipTests package -pl distribution,demo-services/demo-runner -am
fi
exec java -cp "$runner" dev.lanes.demo.runner.bench.FootprintBench "$@"
