from wbs_triage.entrypoint import main

raise SystemExit(main())
