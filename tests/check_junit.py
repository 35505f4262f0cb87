#!/usr/bin/env python3
"""check_junit.py CHAINRISK - `chainrisk check --format junit` read back as XML.

Runs the checker on inventories and policies with every verdict (all rules
hold, some violated, a rule with more violations than it lists, ids full of
XML's special characters and control characters) and parses what it
writes with xml.etree, as a CI system would.  Each run must be well-formed
XML 1.0 with one <testsuite> holding one <testcase> per rule of the policy,
one <failure> per violation and one <error> per finding that cannot be
judged the JSON output lists (plus one "and N more" when a rule lists
fewer than it has), counts that agree with the test cases (failures: rules
violated; errors: rules that cannot be judged and violate nothing),
messages equal to the JSON's (so escaping gives back the text), and the
exit status 0 when every rule holds, 1 when one does not - also when it
cannot be judged.  Exits 0 when every run passes, 1 otherwise.
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "policy")


def run(binary, inventory, policy, fmt):
    p = subprocess.run([binary, "check", inventory, "--policy", policy, "--format", fmt, "-q"],
                       capture_output=True, cwd=ROOT)
    return p.returncode, p.stdout


def many_functions(directory):
    """An inventory of 1 200 functions without rto_hours: more violations
    than a rule lists."""
    with open(os.path.join(directory, "nodes.csv"), "w", encoding="utf-8") as f:
        f.write("id,type,criticality\n")
        for i in range(1200):
            f.write("f%04d,function,1\n" % i)
    return directory


def check_one(binary, inventory, policy, problems):
    where = "%s on %s" % (policy, os.path.relpath(inventory, ROOT))
    status, xml_bytes = run(binary, inventory, policy, "junit")
    json_status, json_bytes = run(binary, inventory, policy, "json")
    results = json.loads(json_bytes)["results"]
    expected_status = 0 if results["holds"] else 1
    if status != expected_status or json_status != expected_status:
        problems.append("%s: exit status %d (json %d), expected %d"
                        % (where, status, json_status, expected_status))
    try:
        root = ET.fromstring(xml_bytes)
    except ET.ParseError as e:
        problems.append("%s: not well-formed XML: %s" % (where, e))
        return
    suites = root.findall("testsuite")
    if root.tag != "testsuites" or len(suites) != 1:
        problems.append("%s: expected <testsuites> with one <testsuite>" % where)
        return
    suite = suites[0]
    cases = suite.findall("testcase")
    rules = results["rules"]
    failed = sum(1 for r in rules if r["violations"] > 0)
    unknown = sum(1 for r in rules if r["violations"] == 0 and r["unknown"] > 0)
    if results["holds"] != (failed == 0 and unknown == 0):
        problems.append("%s: holds is %s with %d rules violated, %d unknown"
                        % (where, results["holds"], failed, unknown))
    for element in (root, suite):
        if (element.get("tests") != str(len(rules)) or element.get("failures") != str(failed)
                or element.get("errors") != str(unknown)):
            problems.append("%s: <%s> says tests=%s failures=%s errors=%s, expected %d, %d and %d"
                            % (where, element.tag, element.get("tests"), element.get("failures"),
                               element.get("errors"), len(rules), failed, unknown))
    if len(cases) != len(rules):
        problems.append("%s: %d test cases for %d rules" % (where, len(cases), len(rules)))
        return
    for case, rule in zip(cases, rules):
        if case.get("classname") != "chainrisk.check." + rule["rule"]:
            problems.append("%s: classname %s" % (where, case.get("classname")))
        if case.get("line") != str(rule["line"]):
            problems.append("%s: line %s, expected %d" % (where, case.get("line"), rule["line"]))
        # failures and errors in document order, as the JSON lists its findings
        failures = [e for e in case if e.tag in ("failure", "error")]
        listed = rule["listed"]
        extra = 1 if rule["violations"] + rule["unknown"] > len(listed) else 0
        if len(failures) != len(listed) + extra:
            problems.append("%s: rule at line %d has %d failures and errors, expected %d"
                            % (where, rule["line"], len(failures), len(listed) + extra))
            continue
        for failure, violation in zip(failures, listed):
            if failure.get("message") != violation["message"]:
                problems.append("%s: failure message %r, expected %r"
                                % (where, failure.get("message"), violation["message"]))
            is_unknown = violation["finding"] == "unknown"
            if failure.tag != ("error" if is_unknown else "failure"):
                problems.append("%s: <%s> for a finding %s" % (where, failure.tag,
                                                               violation["finding"]))
            if failure.get("type") != ("unknown" if is_unknown else rule["rule"]):
                problems.append("%s: failure type %s" % (where, failure.get("type")))
            text = failure.text or ""
            prefix = "%s:%d:%d: %s: " % (policy, rule["line"], rule["column"], rule["rule"])
            if not text.startswith(prefix):
                problems.append("%s: failure text %r" % (where, text[:80]))
        if extra and failures[-1].get("message") != "and %d more findings, not listed" % (
                rule["violations"] + rule["unknown"] - len(listed)):
            problems.append("%s: last failure %r" % (where, failures[-1].get("message")))


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    problems = []
    runs = [("data/sample-next", "data/policy.json"), ("data/sample", "data/policy.json")]
    for name in sorted(os.listdir(os.path.join(FIXTURES, "rules"))):
        for inventory in ("busy", "calm", "hostile"):
            runs.append((os.path.join("tests/fixtures/policy", inventory),
                         os.path.join("tests/fixtures/policy/rules", name)))
    with tempfile.TemporaryDirectory() as tmp:
        runs.append((many_functions(tmp), "tests/fixtures/policy/rules/complete_functions.json"))
        for inventory, policy in runs:
            check_one(binary, os.path.join(ROOT, inventory) if not os.path.isabs(inventory)
                      else inventory, policy, problems)
    for p in problems:
        print(p)
    print("check_junit: %d runs, %d problems" % (len(runs), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
