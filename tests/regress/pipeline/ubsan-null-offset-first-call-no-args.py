import threading

guard = threading.Lock()
