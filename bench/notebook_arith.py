"""Baseline for `pnpm bench`: the arithmetic notebook's generator, run as the notebook runs it.

The generation function reproduces the notebook's algorithm (see shared/reference/origins/arithmetic-dpo-notebook.md)
so that veridata's throughput is measured against it on the same machine in the same run. It builds the whole list in
memory and then writes it, exactly as the notebook does. Prints one JSON line with timings and peak memory.
"""
import json
import random
import resource
import sys
import time

CALC = "{question} The answer is {answer} because {calculation}."
FIND_X = "{question},x=? The answer is {answer} because {calculation}."
NEG = "Sorry, I don't know."


def generate_data(num_samples=100000, max_num=100, min_num=-100):
    data = []
    for op in ["+", "-", "*", "/"]:
        i = 0
        while i < num_samples:
            num1 = random.randint(1, max_num)
            num2 = random.randint(1, max_num)
            if op == "+":
                answer = num1 + num2
                if answer > max_num:
                    continue
                calculation = f"{num1}+{num2} equals {answer}"
                data.append({"positive": CALC.format(question=f"{num1}{op}{num2}=?", answer=answer, calculation=calculation), "negative": NEG})
                data.append({"positive": FIND_X.format(question=f"x-{num1}={num2}", answer=answer, calculation=calculation), "negative": NEG})
                i += 2
            elif op == "-":
                answer = num1 - num2
                if answer < min_num:
                    continue
                calculation = f"{num1}-{num2} equals {answer}"
                q1 = FIND_X.format(question=f"x+{num2}={num1}", answer=answer, calculation=calculation)
                q3 = FIND_X.format(question=f"{num2}+x={num1}", answer=answer, calculation=calculation)
                data.append({"positive": CALC.format(question=f"{num1}{op}{num2}=?", answer=answer, calculation=calculation), "negative": NEG})
                data.append({"positive": random.choice([q1, q3]), "negative": NEG})
                data.append({"positive": FIND_X.format(question=f"{num1}-x={num2}", answer=answer, calculation=calculation), "negative": NEG})
                i += 3
            elif op == "*":
                answer = num1 * num2
                if answer > max_num:
                    continue
                calculation = f"{num1}*{num2} equals {answer}"
                data.append({"positive": CALC.format(question=f"{num1}{op}{num2}=?", answer=answer, calculation=calculation), "negative": NEG})
                data.append({"positive": FIND_X.format(question=f"x/{num2}={num1}", answer=answer, calculation=calculation), "negative": NEG})
                i += 2
            elif op == "/":
                if num2 > num1:
                    num1, num2 = num2, num1
                answer = num1 // num2
                num1 = answer * num2
                if answer == 1 and random.choice(["1", "2"]) == "1":
                    continue
                if answer < min_num:
                    continue
                calculation = f"{num1}/{num2} equals {answer}"
                q1 = FIND_X.format(question=f"{num2}*x={num1}", answer=answer, calculation=calculation)
                q3 = FIND_X.format(question=f"x*{num2}={num1}", answer=answer, calculation=calculation)
                data.append({"positive": CALC.format(question=f"{num1}{op}{num2}=?", answer=answer, calculation=calculation), "negative": NEG})
                data.append({"positive": random.choice([q1, q3]), "negative": NEG})
                data.append({"positive": FIND_X.format(question=f"{num1}/x={num2}", answer=answer, calculation=calculation), "negative": NEG})
                i += 3
    return data


def main():
    out = sys.argv[1]
    random.seed(1)
    started = time.perf_counter()
    data = generate_data()
    generated = time.perf_counter()
    with open(out, "w") as f:
        for item in data:
            f.write(json.dumps(item) + "\n")
    finished = time.perf_counter()
    distinct = len({item["positive"].split(" The answer")[0] for item in data})
    print(json.dumps({
        "items": len(data),
        "generate_seconds": generated - started,
        "total_seconds": finished - started,
        "distinct_questions": distinct,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
