"""The site's icon: every page names it (a browser asking for a missing /favicon.ico logs an error
on every page), and /favicon.ico leads to it."""


def test_pages_name_the_icon_and_favicon_ico_leads_to_it(client):
    for path in ("/", "/demands/", "/auth/login", "/no-such-page"):
        assert 'rel="icon" type="image/svg+xml" href="/static/favicon.svg"' in client.get(path).get_data(as_text=True)
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    icon.close()  # a static file is streamed from disk
