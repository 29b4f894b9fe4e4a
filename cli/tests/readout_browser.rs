//! The HTML readout in a real browser: headless Chromium through ChromeDriver. The page must
//! render with no console message, request nothing from the network, and show the sections a
//! leader reads. A screenshot is kept in the target directory for a person to look at.

mod common;

use common::webdriver;
use common::*;
use serde_json::json;

#[test]
fn the_readout_renders_without_errors_or_requests() {
    let Some(driver) = webdriver::start("chromedriver", &[]) else { return };
    let f = Fixture::repo(&[WELL_RUN]);
    let store = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("readout.html");
    let store_path = store.path().join("h.db");
    let p = f.path().to_str().unwrap();
    for _ in 0..2 {
        let o = maturity(&[
            "audit",
            p,
            "--no-progress",
            "--store",
            store_path.to_str().unwrap(),
            "-f",
            "html",
            "-o",
            html.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let profile = tempfile::tempdir().unwrap();
    let session = driver.session(json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1280,1600",
                     format!("--user-data-dir={}", profile.path().display())]
        },
        "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"}
    }));
    let url = format!("file://{}", html.display());
    session.goto(&url);
    assert!(session.find_text("h1").starts_with("Engineering maturity readout"));
    let text = session.find_text("main");
    for needle in [
        "Executive summary",
        "Top risks",
        "Change since the previous readout",
        "Technical Presentation",
        "Business Value Demonstration",
        "Leadership Readout",
        "Remaining roadmap by phase and week",
        "Appendix",
    ] {
        assert!(text.contains(needle), "{needle} is not on the page");
    }
    let console = session.log("browser");
    assert!(console.is_empty(), "console messages: {console:#?}");
    // every request the page made, from the DevTools network events
    let requests: Vec<String> = session
        .log("performance")
        .iter()
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(e["message"].as_str()?).ok())
        .filter(|m| m["message"]["method"] == "Network.requestWillBeSent")
        // requests of our document (the browser's own start page also shows in the log)
        .filter(|m| m["message"]["params"]["documentURL"].as_str().is_some_and(|d| d.starts_with("file://")))
        .filter_map(|m| m["message"]["params"]["request"]["url"].as_str().map(str::to_string))
        .collect();
    assert!(requests.contains(&url), "the network log records the page itself: {requests:#?}");
    assert!(requests.iter().all(|u| u == &url), "the page requested {requests:#?}");
    let resources = session.execute("return performance.getEntriesByType('resource').length");
    assert_eq!(resources, json!(0));
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("readout.png");
    session.screenshot(&shot);
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
    eprintln!("screenshot: {}", shot.display());
}
