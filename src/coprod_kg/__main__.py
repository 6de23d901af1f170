from coprod_kg.cli import main

main()
