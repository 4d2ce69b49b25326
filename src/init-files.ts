/** What `jwt-audit init` writes: a config with every key, and a GitHub workflow. */
export const INIT_FILES: ReadonlyArray<{ path: string; text: string }> = [
  {
    path: '.jwt-audit.json',
    text: `${JSON.stringify(
      {
        rules: {},
        ignore: [],
        monitors: [],
        rateLimiters: [],
        authRoutes: [],
        notAuthRoutes: [],
        overrides: [],
      },
      null,
      2,
    )}\n`,
  },
  {
    path: '.github/workflows/jwt-audit.yml',
    text: `# Scans with jwt-audit on every push to main and every pull request, uploads the SARIF
# report to code scanning and fails the job on findings at or above fail-on.
name: jwt-audit
on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  jwt-audit:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write # upload-sarif needs it
    steps:
      - uses: actions/checkout@v4

      - name: jwt-audit
        id: jwt-audit
        uses: jwt-audit/jwt-audit@v0.1.0 # pin a tag or a commit SHA
        with:
          paths: .
          fail-on: warning

      - name: Upload SARIF to code scanning
        if: always() && steps.jwt-audit.outputs.sarif-file != ''
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: \${{ steps.jwt-audit.outputs.sarif-file }}
          category: jwt-audit
`,
  },
];
