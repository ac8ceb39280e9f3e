"""Judge a memcheck XML log for make test-valgrind: which reports are csocket's.

A report is csocket's when any frame of its stacks -- where the error happened, where the memory
was allocated, or where an uninitialised value was created -- lies in the _csocket extension.  The
interpreter's own reports (it is not instrumented and keeps memory at exit) are counted and shown
briefly, but do not fail the run.      python valgrind_report.py LOG.xml [...]
"""
import sys
import xml.etree.ElementTree as ET

LEAK_DEFINITE = "Leak_DefinitelyLost"


def frames(err):
    for stack in err.iter("stack"):
        for f in stack.iter("frame"):
            yield (f.findtext("obj") or "", f.findtext("fn") or "?", f.findtext("file") or "",
                   f.findtext("line") or "")


def describe(err):
    what = err.findtext("what") or (err.find("xwhat").findtext("text") if err.find("xwhat") is not
                                    None else err.findtext("kind"))
    lines = [f"{err.findtext('kind')}: {what}"]
    for obj, fn, file, line in list(frames(err))[:12]:
        lines.append(f"    {fn} ({file}:{line})" if file else f"    {fn} ({obj})")
    return "\n".join(lines)


def main(paths):
    ours, theirs, definite_ours, definite_bytes = [], {}, 0, 0
    for path in paths:
        root = ET.parse(path).getroot()
        for err in root.iter("error"):
            kind = err.findtext("kind")
            if kind.startswith("Leak_") and kind != LEAK_DEFINITE:
                continue  # possibly lost / still reachable: the interpreter's at exit
            mine = any("_csocket" in obj for obj, *_ in frames(err))
            if mine:
                ours.append(describe(err))
                if kind == LEAK_DEFINITE:
                    definite_ours += 1
                    xw = err.find("xwhat")
                    definite_bytes += int(xw.findtext("leakedbytes") or 0) if xw is not None else 0
            else:
                theirs[kind] = theirs.get(kind, 0) + 1
    for text in ours:
        print(text)
    other = ", ".join(f"{n} {k}" for k, n in sorted(theirs.items())) or "none"
    print(f"valgrind: {len(ours)} report(s) attributable to csocket "
          f"({definite_ours} definitely lost, {definite_bytes} bytes); "
          f"the interpreter's own, not counted: {other}")
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
