from ganlab.tooling.cli import main

raise SystemExit(main())
