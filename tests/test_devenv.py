"""`make run`'s local .env: written once, SITE_URL follows PORT, a real host is left alone."""

from lumira.devenv import write_env


def test_first_run_writes_a_secret_debug_and_the_port(tmp_path):
    env_file = tmp_path / ".env"
    write_env(8080, env_file)
    lines = env_file.read_text().splitlines()
    assert "DEBUG=1" in lines
    assert "SITE_URL=http://127.0.0.1:8080" in lines
    secret = next(line for line in lines if line.startswith("SECRET_KEY="))
    assert len(secret) > len("SECRET_KEY=") + 50


def test_a_new_port_moves_site_url_and_keeps_the_secret(tmp_path):
    env_file = tmp_path / ".env"
    write_env(8000, env_file)
    secret = next(line for line in env_file.read_text().splitlines() if "SECRET_KEY" in line)
    write_env(9001, env_file)
    lines = env_file.read_text().splitlines()
    assert "SITE_URL=http://127.0.0.1:9001" in lines
    assert "SITE_URL=http://127.0.0.1:8000" not in lines
    assert secret in lines


def test_a_site_url_on_a_real_host_is_left_alone(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SITE_URL=https://lumira.example\n")
    write_env(9001, env_file)
    assert env_file.read_text() == "SITE_URL=https://lumira.example\n"
