using OpenQA.Selenium;
using P2P.Cli.Tests;
using Xunit.Abstractions;

namespace P2P.WebUi.Tests;

/// <summary>
/// DNS rebinding in real headless Chromium: a host-resolver rule makes <c>rebind.example</c> resolve to 127.0.0.1,
/// which is where a rebinding attack leaves the attacker's name once its page has loaded. Scripts of that origin
/// then post to the API as same-origin calls (Host and Origin both rebind.example:PORT). The API must refuse them
/// all and keep the pinned content; the same calls from the dashboard on 127.0.0.1 must still work.
/// </summary>
[Trait("Category", "Browser")]
public sealed class RebindingBrowserTests : ProcessTestBase
{
    private readonly ITestOutputHelper _output;

    public RebindingBrowserTests(ITestOutputHelper output)
        : base(TimeSpan.FromSeconds(120))
    {
        _output = output;
    }

    [SkippableFact]
    public async Task RebindingPage_CannotAddUnpinOrGc_TheDashboardCan()
    {
        BrowserSession.SkipUnlessAvailable();
        var repo = Dir.Combine("node");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        var file = Dir.Combine("kept.txt");
        await File.WriteAllTextAsync(file, "pinned before the attack", Ct);
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        var added = await CliRunner.RunAsync(repo, "add", "-Q", file);
        Assert.True(added.ExitCode == 0, added.Stderr);
        var cid = added.Stdout.Trim();
        var port = File.ReadAllText(Path.Combine(repo, "api")).Trim().Split('/')[^1];

        using var driver = BrowserSession.Start(Dir.Combine("chromium-profile"), "--host-resolver-rules=MAP rebind.example 127.0.0.1");
        driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(30);

        // The attacker's page, now answered by the API: the page itself is refused too.
        driver.Navigate().GoToUrl($"http://rebind.example:{port}/webui");
        Assert.Contains("is not served by this API", driver.PageSource, StringComparison.Ordinal);
        foreach (var call in new[] { "add", $"pin/rm?arg={cid}", "repo/gc" })
        {
            var status = Post(driver, $"/api/v0/{call}");
            _output.WriteLine($"rebound {call}: {status}");
            Assert.Equal(403L, status);
        }

        // The dashboard's origin, without its token (a script that did not read the page), is refused as well.
        driver.Navigate().GoToUrl($"http://127.0.0.1:{port}/webui");
        Assert.Equal(403L, Post(driver, "/api/v0/repo/gc"));

        var pins = await CliRunner.RunAsync(repo, "pin", "ls");
        Assert.Contains(cid, pins.Stdout, StringComparison.Ordinal);
        var cat = await CliRunner.RunAsync(repo, "cat", cid);
        Assert.Equal("pinned before the attack", cat.Stdout);
    }

    /// <summary>A same-origin fetch POST from the current page, as a script there would send it; the HTTP status.</summary>
    private static long Post(IWebDriver driver, string path) =>
        Convert.ToInt64(((IJavaScriptExecutor)driver).ExecuteAsyncScript(
            "const done = arguments[arguments.length - 1];" +
            "fetch(arguments[0], { method: 'POST', body: 'x' }).then(r => done(r.status), e => done(-1));", path), System.Globalization.CultureInfo.InvariantCulture);
}
