"""grade.py on equivalent and non-equivalent answer pairs (run: $MESH_CACHE/venv/bin/python -m pytest -q pilot/tests)."""

import json
import pathlib
import subprocess
import sys

import pytest

GRADE = pathlib.Path(__file__).resolve().parent.parent / "grade.py"

CASES = [
    # (gold as the dataset writes it, solution text, equal)
    ("\\frac{1}{2}", "so the answer is \\boxed{0.5}", True),            # fraction vs decimal
    ("0.5", "\\boxed{\\frac{1}{2}}", True),
    ("\\frac{1}{3}", "\\boxed{0.33}", False),                            # a rounded decimal is not 1/3
    ("3\\sqrt{13}", "\\boxed{\\sqrt{117}}", True),                        # surds
    ("3\\sqrt{13}", "\\boxed{3\\sqrt{12}}", False),
    ("(0, 1]", "x lies in \\boxed{(0,1]}", True),                         # intervals
    ("(0, 1]", "\\boxed{[0,1]}", False),
    ("\\{1,2\\}", "\\boxed{\\{2,1\\}}", True),                            # sets: order does not matter
    ("\\{1,2\\}", "\\boxed{\\{1,3\\}}", False),
    ("90^\\circ", "\\boxed{90}", True),                                   # units
    ("10", "\\boxed{10\\text{ cm}}", True),
    ("10", "\\boxed{11\\text{ cm}}", False),
    ("5", "The answer is 5.", True),                                      # \boxed{} missing
    ("5", "The answer is 6.", False),
    ("5", "\\boxed{5} and again \\boxed{5}", True),                       # \boxed{} repeated, same answer
    ("5", "first \\boxed{3} then \\boxed{5}", False),                     # two different boxed answers: not credited
    ("5", "", False),                                                     # empty answer
    ("204", "\\boxed{204}", True),
]


def run(jobs):
    lines = "".join(json.dumps(j) + "\n" for j in jobs)
    out = subprocess.run([sys.executable, str(GRADE)], input=lines, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_pairs_are_graded_as_math_verify_sees_them():
    jobs = [{"id": str(i), "gold": g, "answer": a, "gold_is_answer": True} for i, (g, a, _) in enumerate(CASES)]
    results = run(jobs)
    assert [r["id"] for r in results] == [j["id"] for j in jobs]
    got = {(CASES[int(r["id"])][0], CASES[int(r["id"])][1]): r["equal"] for r in results}
    assert got == {(g, a): e for g, a, e in CASES}


@pytest.mark.parametrize("baseline,answer,equal", [
    ("Thinking done. \\boxed{\\frac{14}{3}}", "It is \\boxed{4\\frac{2}{3}}", True),
    ("\\boxed{\\frac{14}{3}}", "\\boxed{4.6}", False),
])
def test_agreement_reads_the_answer_out_of_the_baselines_solution(baseline, answer, equal):
    [result] = run([{"id": "x", "gold": baseline, "answer": answer, "gold_is_answer": False}])
    assert result["equal"] is equal
