#!/bin/sh
# seed_scenarios.sh SEED_DIR - seeds for fuzz_scenarios beyond the fixtures
# (tests/fixtures/scenarios/, which run.sh adds): the sample's scenario
# file, and one file using every kind of term on the target's inventory.
set -eu
dir=$1
cp data/sample/scenarios.csv "$dir/sample-scenarios.csv"
cat > "$dir/every-term.csv" <<'CSV'
id,name,fails,hours,description
g,Acme,parent:Acme Group,8,a group
c,NL,country:nl; country:DE,,two countries
k,Telecom,category:telecom;type:component,0.5,
i,Ids,pkg:npm/x@1;a;;b;id:f1,,"ids that read like selectors"
u,Unknown,c,,no recovery_hours
CSV
