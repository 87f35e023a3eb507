"""Small shared pieces every app may use, each module with one job and no knowledge of the
apps: a safe HTTP fetch, Markdown rendering, how a person is named, user text without
bidirectional controls, and the range of a database id."""
