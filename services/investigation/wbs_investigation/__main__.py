from wbs_investigation.entrypoint import main

raise SystemExit(main())
