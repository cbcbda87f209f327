using OpenQA.Selenium.Chrome;

namespace P2P.WebUi.Tests;

/// <summary>
/// Headless Debian Chromium driven through Debian's chromedriver (both installed by .ci/run). Paths can be
/// overridden with P2P_CHROMIUM and P2P_CHROMEDRIVER. The flags keep the browser off the network: no background
/// fetches, component updates, sync or QUIC probes, and a fresh profile each run.
/// </summary>
public static class BrowserSession
{
    public static string ChromiumPath => Environment.GetEnvironmentVariable("P2P_CHROMIUM") ?? "/usr/bin/chromium";

    public static string DriverPath => Environment.GetEnvironmentVariable("P2P_CHROMEDRIVER") ?? "/usr/bin/chromedriver";

    /// <summary>
    /// Returns when Chromium and chromedriver are there. Elsewhere the test is reported as skipped with the reason
    /// (never as passed); under CI (CI=true) it fails instead, since scripts/test.sh installs both.
    /// </summary>
    public static void SkipUnlessAvailable()
    {
        if (MissingReason() is not { } missing)
            return;
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"CI must run the browser tests, but: {missing}");
        Skip.If(true, missing);
    }

    /// <summary>Null when both executables exist, else the one-line reason the test cannot run.</summary>
    public static string? MissingReason()
    {
        foreach (var path in new[] { ChromiumPath, DriverPath })
        {
            if (!File.Exists(path))
                return $"{path} not found: install Debian's chromium and chromium-driver (scripts/test.sh does: apt-get install -y chromium chromium-driver)";
        }
        return null;
    }

    /// <summary>Starts the browser; <paramref name="extraArguments"/> are added to the flags above (a host-resolver rule).</summary>
    public static ChromeDriver Start(string profileDirectory, params string[] extraArguments)
    {
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--disable-dev-shm-usage",
            "--window-size=1400,1600", $"--user-data-dir={profileDirectory}");
        options.AddArguments(extraArguments);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}
