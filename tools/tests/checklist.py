"""A named pass/fail list for the Python end-to-end tests: each check prints one line; the script's exit
status is the verdict."""


class Checklist:
    def __init__(self):
        self.failures = 0

    def check(self, name, condition):
        print(("ok   " if condition else "FAIL ") + name)
        self.failures += 0 if condition else 1

    def status(self):
        print(f"{self.failures} failures")
        return 1 if self.failures else 0
