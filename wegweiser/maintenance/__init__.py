"""The maintainers' tooling, used by scripts/, bench/ and the tests, never by a running server: content
checks (`make validate`), evaluation (`make evaluate`), the needs report (`make report`) and the handbook
(`make handbook`). May import everything else in wegweiser/."""
