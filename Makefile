# Quick start: `make demo` and `make test` on a fresh Debian or Fedora machine.
.PHONY: all deps test-deps build demo test lint typecheck unit bench clean

all: build

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	npm run build

demo: build
	node bin/ferry.js demo $(if $(DIR),--dir $(DIR),)

test: test-deps
	npm run lint
	npm run typecheck
	npm run build
	npm test

bench: build
	@for b in bench/*/run.sh; do echo "== $$b"; "$$b" || exit 1; done

clean:
	rm -rf dist coverage
