#!/usr/bin/env bash
# The offline demo: generates verified math sets into runs/demo/ (or $1) and prints what it wrote.
# Every data file is reproducible byte for byte: rerunning the demo rewrites identical files.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/demo}
mkdir -p "$out"
veridata() { node --max-semi-space-size=8 --import tsx src/cli/bin.ts "$@"; }

echo "== arithmetic DPO set, the notebook's format, with a held-out test set =="
veridata gen arith --count 400000 --seed 1 --format notebook \
  --out "$out/arith-train.jsonl" --test-out "$out/arith-test.jsonl" --test-count 400 --json > "$out/arith-summary.json"
echo "== word problems: DPO pairs with realistic wrong solutions as rejected answers =="
veridata gen word --count 5000 --seed 1 --negatives refusal,wrong:3 \
  --out "$out/word-dpo.jsonl" --test-out "$out/word-test.jsonl" --test-count 200 --json > "$out/word-summary.json"
echo "== every other family, SFT format =="
for family in linear fractions percent order-of-ops; do
  veridata gen "$family" --count 2000 --seed 1 --format sft --out "$out/$family-sft.jsonl" --json > "$out/$family-summary.json"
done

node -e '
  const fs = require("fs");
  const dir = process.argv[1];
  console.log("\nwrote to " + dir + "/:");
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith("-summary.json")).sort()) {
    const s = JSON.parse(fs.readFileSync(dir + "/" + file, "utf8"));
    const test = s.test ? `, test set ${s.test.lines} held-out questions` : "";
    const negatives = Object.entries(s.negatives).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`  ${s.family.padEnd(13)} ${String(s.lines).padStart(7)} ${s.format.padEnd(9)} lines, ${s.uniqueExact ? "" : "~"}${s.uniqueQuestions} unique questions of ${s.spaceSize}${test}${negatives ? "; negatives: " + negatives : ""}`);
  }
  console.log("\nsample arith line:  " + fs.readFileSync(dir + "/arith-train.jsonl", "utf8").split("\n")[0]);
  const word = JSON.parse(fs.readFileSync(dir + "/word-dpo.jsonl", "utf8").split("\n")[0]);
  console.log("sample word pair:   prompt: " + word.prompt + "\n                    chosen: " + word.chosen + "\n                    rejected (" + word.meta.negative + "): " + word.rejected);
' "$out"
