from csc_outcomes.cli.app import main

main()
