"""Math answer equivalence for `./mesh pilot`, with Hugging Face Math-Verify (PyPI `math-verify`).

stdin: one JSON object a line, {"id": str, "gold": str, "answer": str, "gold_is_answer": bool}
  gold: a reference answer as a dataset writes it ("\\frac{14}{3}", "204") when gold_is_answer is true, else a
        whole solution text (the baseline's, for agreement), from which Math-Verify extracts the answer itself;
  answer: the solution text to grade (never the thinking).
stdout: one JSON object a line, in the same order, {"id": str, "equal": bool, "parsed": str}, where parsed is what
        Math-Verify extracted from the answer ("" when nothing).
"""

import json
import sys

from math_verify import parse, verify


def parse_gold(gold, gold_is_answer):
    if gold_is_answer and "\\boxed" not in gold and "$" not in gold:
        # A bare reference answer is LaTeX: boxing it makes Math-Verify read it whole ("3\\sqrt{13}", "(0, 1]").
        gold = "\\boxed{" + gold + "}"
    return parse(gold)


def grade(line):
    job = json.loads(line)
    answer = parse(job["answer"]) if job["answer"] else []
    gold = parse_gold(job["gold"], job.get("gold_is_answer", True)) if job["gold"] else []
    equal = bool(gold) and bool(answer) and verify(gold, answer)
    parsed = str(answer[-1]) if answer else ""
    return {"id": job["id"], "equal": equal, "parsed": parsed}


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(grade(line)), flush=True)


if __name__ == "__main__":
    main()
