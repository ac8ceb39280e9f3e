"""Print a line past pytest's output capture (counts and distributions the torture tests report
at the end of a module, shown even with -q and when every test passes)."""


def report_line(config, line):
    capman = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    if capman is None or reporter is None:
        print(line)
        return
    with capman.global_and_fixture_disabled():
        reporter.write_line(line)
