from wbs_intake.entrypoint import main

raise SystemExit(main())
