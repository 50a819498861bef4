"""Compares checkov's findings on infra/template.yaml with the waivers in
infra/checkov-waivers.toml: exits 1 on a finding not waived for its resource,
on a waiver without a reason, and on a waiver that matches no finding."""

import json
import sys
import tomllib

report_path, waivers_path = sys.argv[1], sys.argv[2]
with open(report_path, encoding="utf-8") as f:
    report = json.load(f)
with open(waivers_path, "rb") as f:
    waivers = tomllib.load(f).get("waiver", [])

# One report, or a list of them when several frameworks ran.
reports = report if isinstance(report, list) else [report]
failed = [
    (check["check_id"], check["resource"], check["check_name"])
    for r in reports
    for check in r.get("results", {}).get("failed_checks", [])
]
passed = sum(r.get("summary", {}).get("passed", 0) for r in reports)

problems = []
waived = {}
for w in waivers:
    if not str(w.get("reason", "")).strip():
        problems.append(f"waiver {w.get('check')} has no reason")
    for resource in w.get("resources", []):
        waived[(w.get("check"), resource)] = False

accepted = 0
for check_id, resource, name in failed:
    if (check_id, resource) in waived:
        waived[(check_id, resource)] = True
        accepted += 1
    else:
        problems.append(f"{check_id} on {resource}: {name}")

for (check_id, resource), used in waived.items():
    if not used:
        problems.append(f"stale waiver: {check_id} on {resource} no longer fails; remove it")

print(f"checkov: {passed} passed, {len(failed)} failed, {accepted} of them waived")
if problems:
    print("checkov findings not accepted:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
