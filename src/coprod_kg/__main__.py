from coprod_kg.entry import main

main()
