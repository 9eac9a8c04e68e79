"""The 43 territorial police forces of England and Wales (reference data).

Official names as the forces use them. Codes are stable slugs used in URLs, demo
data and the ledger; never renumber them.
"""

from __future__ import annotations

# (code, official name, country)
TERRITORIAL_FORCES: tuple[tuple[str, str, str], ...] = (
    ("avon-and-somerset", "Avon and Somerset Constabulary", "England"),
    ("bedfordshire", "Bedfordshire Police", "England"),
    ("cambridgeshire", "Cambridgeshire Constabulary", "England"),
    ("cheshire", "Cheshire Constabulary", "England"),
    ("city-of-london", "City of London Police", "England"),
    ("cleveland", "Cleveland Police", "England"),
    ("cumbria", "Cumbria Constabulary", "England"),
    ("derbyshire", "Derbyshire Constabulary", "England"),
    ("devon-and-cornwall", "Devon and Cornwall Police", "England"),
    ("dorset", "Dorset Police", "England"),
    ("durham", "Durham Constabulary", "England"),
    ("essex", "Essex Police", "England"),
    ("gloucestershire", "Gloucestershire Constabulary", "England"),
    ("greater-manchester", "Greater Manchester Police", "England"),
    ("hampshire-and-isle-of-wight", "Hampshire and Isle of Wight Constabulary", "England"),
    ("hertfordshire", "Hertfordshire Constabulary", "England"),
    ("humberside", "Humberside Police", "England"),
    ("kent", "Kent Police", "England"),
    ("lancashire", "Lancashire Constabulary", "England"),
    ("leicestershire", "Leicestershire Police", "England"),
    ("lincolnshire", "Lincolnshire Police", "England"),
    ("merseyside", "Merseyside Police", "England"),
    ("metropolitan", "Metropolitan Police Service", "England"),
    ("norfolk", "Norfolk Constabulary", "England"),
    ("northamptonshire", "Northamptonshire Police", "England"),
    ("northumbria", "Northumbria Police", "England"),
    ("north-yorkshire", "North Yorkshire Police", "England"),
    ("nottinghamshire", "Nottinghamshire Police", "England"),
    ("south-yorkshire", "South Yorkshire Police", "England"),
    ("staffordshire", "Staffordshire Police", "England"),
    ("suffolk", "Suffolk Constabulary", "England"),
    ("surrey", "Surrey Police", "England"),
    ("sussex", "Sussex Police", "England"),
    ("thames-valley", "Thames Valley Police", "England"),
    ("warwickshire", "Warwickshire Police", "England"),
    ("west-mercia", "West Mercia Police", "England"),
    ("west-midlands", "West Midlands Police", "England"),
    ("west-yorkshire", "West Yorkshire Police", "England"),
    ("wiltshire", "Wiltshire Police", "England"),
    ("dyfed-powys", "Dyfed-Powys Police", "Wales"),
    ("gwent", "Gwent Police", "Wales"),
    ("north-wales", "North Wales Police", "Wales"),
    ("south-wales", "South Wales Police", "Wales"),
)
