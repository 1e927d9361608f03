"""What the browser tests share: headless Chromium driven by Selenium. A
test without Chromium, chromedriver or Selenium is skipped (Debian:
chromium, chromium-driver, python3-selenium; tools/install-deps installs
them)."""
import shutil

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
         "--hide-scrollbars", "--disable-background-networking"]


def browser(profile):
    """A Selenium driver of headless Chromium, 1600 x 1000, its profile in
    the folder `profile`; the caller quits it."""
    path = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    driver = shutil.which("chromedriver")
    if not path or not driver:
        pytest.skip("Chromium and chromedriver are not installed (Debian: chromium chromium-driver)")
    pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = path
    for f in FLAGS + [f"--user-data-dir={profile}", "--window-size=1600,1000"]:
        opts.add_argument(f)
    return webdriver.Chrome(service=Service(executable_path=driver), options=opts)
