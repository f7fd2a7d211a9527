from wbs_directory.entrypoint import main

raise SystemExit(main())
