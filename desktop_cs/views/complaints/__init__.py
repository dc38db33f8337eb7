"""The complaint log tab (投诉记录): the list, the intake form, the complaint page, harassing numbers, the lists."""
