#!/usr/bin/env bash
# The offline demo: the three pipeline stages on the shipped demo seeds, replaying authored fixtures from the response
# cache (no model is called; sandboxed test runs and verification are real), then report.html; then the synthetic math
# sets of `veridata gen`. Writes into runs/demo/ (or $1). Rerunning reproduces every data file byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/demo}
mkdir -p "$out"
veridata() { node --max-semi-space-size=8 --import tsx src/cli/bin.ts "$@"; }

for stage in 1 2 3; do
  echo "== pipeline stage $stage (code and math tracks) =="
  veridata stage "$stage" --output-dir "$out" --json > "$out/stage$stage-summary.json"
done
veridata report --output-dir "$out" --json > "$out/report-summary.json"

echo "== synthetic math sets (veridata gen) =="
mkdir -p "$out/gen"
veridata gen arith --count 400000 --seed 1 --format notebook \
  --out "$out/gen/arith-train.jsonl" --test-out "$out/gen/arith-test.jsonl" --test-count 400 --json > "$out/gen/arith-summary.json"
veridata gen word --count 5000 --seed 1 --negatives refusal,wrong:3 \
  --out "$out/gen/word-dpo.jsonl" --test-out "$out/gen/word-test.jsonl" --test-count 200 --json > "$out/gen/word-summary.json"
for family in linear fractions percent order-of-ops; do
  veridata gen "$family" --count 2000 --seed 1 --format sft --out "$out/gen/$family-sft.jsonl" --json > "$out/gen/$family-summary.json"
done

node -e '
  const fs = require("fs");
  const dir = process.argv[1];
  const manifest = JSON.parse(fs.readFileSync(dir + "/manifest.json", "utf8"));
  console.log("\npipeline (" + (manifest.fixtures || "live models") + "):");
  for (const [track, counts] of Object.entries(manifest.counts)) {
    const s1 = counts.stage1, s2 = counts.stage2, s3 = counts.stage3;
    const written = s1.agreement ? ` (${s1.questions - s1.agreement.kept} seed problems, ${s1.agreement.kept} written ones with a majority answer)` : "";
    console.log(`  ${track.padEnd(5)} stage 1: ${s1.questions} questions${written} from ${s1.replies} replies (dropped: ${Object.entries(s1.dropped).map(([k, v]) => k + " " + v).join(", ") || "none"})`);
    console.log(`        stage 2: ${s2.triplets} verified triplets of ${s2.questions} questions, ${s2.unsolved} unsolved; difficulty ${Object.entries(s2.difficulty).map(([k, v]) => k + " " + v).join(", ")}`);
    console.log(`        stage 3: ${s3.responses} responses verified: ${s3.sft} correct (SFT), ${s3.dpo} DPO pairs; exports ${Object.entries(s3.exports).map(([k, v]) => k + " " + v).join(", ")}`);
  }
  console.log("  report: " + dir + "/report.html (open it in a browser), manifest: " + dir + "/manifest.json");
  console.log("\nsynthetic sets in " + dir + "/gen/:");
  for (const file of fs.readdirSync(dir + "/gen").filter((name) => name.endsWith("-summary.json")).sort()) {
    const s = JSON.parse(fs.readFileSync(dir + "/gen/" + file, "utf8"));
    const test = s.test ? `, test set ${s.test.lines} held-out questions` : "";
    console.log(`  ${s.family.padEnd(13)} ${String(s.lines).padStart(7)} ${s.format.padEnd(9)} lines, ${s.uniqueExact ? "" : "~"}${s.uniqueQuestions} unique questions of ${s.spaceSize}${test}`);
  }
' "$out"
