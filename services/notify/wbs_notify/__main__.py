from wbs_notify.entrypoint import main

raise SystemExit(main())
