# The two commands of the README. Both install what they need on a fresh clone.
.PHONY: start test

start:
	@./scripts/start.sh

test:
	@./scripts/test.sh
