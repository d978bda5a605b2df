"""The portal: a front end outside the admin for the unit party organizations (their members'
feedback cards), the sub-district's organization office (cadres' cards) and members (their own
records). Chinese, large type, phone-sized first."""
