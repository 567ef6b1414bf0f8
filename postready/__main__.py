from postready.bot.cli import main

raise SystemExit(main())
