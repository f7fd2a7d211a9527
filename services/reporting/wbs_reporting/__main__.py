from wbs_reporting.entrypoint import main

raise SystemExit(main())
