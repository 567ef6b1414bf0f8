from postready.cli import main

raise SystemExit(main())
