"""Qt screens: the main window and its dialogs; they call services and never touch the database."""
