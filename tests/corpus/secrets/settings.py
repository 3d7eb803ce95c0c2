import os

PASSWORD = os.environ["WAREHOUSE_PASSWORD"]
api_key = os.getenv("API_KEY")
token = get_secret("op://Data/api/token")
DB_PASSWORD = "${DB_PASSWORD}"
password = "<your-password>"
secret = "changeme"
SECRET_KEY = settings.SECRET_KEY
commit = "3f786850e387550fdab836ed7e6dc881de23001b"
checksum = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
uuid = "123e4567-e89b-12d3-a456-426614174000"
