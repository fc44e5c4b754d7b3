#!/usr/bin/env bash
# A rolling restart at load, with and without the agent: builds what is missing, then runs
# dev.lanes.demo.runner.bench.RollingRestart with the given options (--help lists them).
# See docs/lossless.md, "Measured".
set -euo pipefail
cd "$(dirname "$0")/.."

runner=demo-services/demo-runner/target/demo-runner.jar
agent=distribution/target/lanes-agent.jar
# The default line, and the Dubbo line --chain dubbo uses.
lines=(demo-services/demo-app-boot33 demo-services/demo-app-dubbo33)
missing=0
for line in "${lines[@]}"; do
    [[ -f $line/target/demo-app.jar ]] || missing=1
done
if [[ ! -f $runner || ! -f $agent || $missing == 1 ]]; then
    echo "rolling-restart.sh: building the agent, the demo jars and the runner (./mvnw -B -DskipTests package)" >&2
    ./mvnw -B -q -DskipTests package -pl "distribution,demo-services/demo-runner,$(IFS=,; echo "${lines[*]}")" -am
fi
exec java -cp "$runner" dev.lanes.demo.runner.bench.RollingRestart "$@"
