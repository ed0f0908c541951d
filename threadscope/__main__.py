from threadscope.cli import main

main()
