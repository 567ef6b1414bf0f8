from postready.main import main

raise SystemExit(main())
