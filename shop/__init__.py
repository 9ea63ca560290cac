"""The sale as people see it: the tunnel's pages (landing, checkout, payment, confirmation,
intake form) and the back office of orders. It sits above every app it uses (orders, experts,
payments, the Sanctuaire), so none of them imports it.

Its URLs keep the `orders` namespace (`orders:landing`, …) they always had.
"""
