using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using P2P.Cli.Tests;

namespace P2P.WebUi.Tests;

/// <summary>The dashboard shows a failure as the same sentence the CLI prints for it (kubo's Message, no type name).</summary>
[Trait("Category", "Browser")]
public sealed class DashboardErrorTests : ProcessTestBase
{
    public DashboardErrorTests()
        : base(TimeSpan.FromSeconds(120))
    {
    }

    [SkippableFact]
    public async Task Fetch_OfAMissingPath_ShowsTheCliSentence()
    {
        BrowserSession.SkipUnlessAvailable();
        var repo = Dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        var file = Dir.Combine("file.txt");
        await File.WriteAllTextAsync(file, "a file, not a directory", Ct);
        var cid = (await CliRunner.RunAsync(repo, "add", "-Q", file)).Stdout.Trim();
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        var cli = await CliRunner.RunAsync(repo, "cat", cid + "/missing");
        Assert.Equal(4, cli.ExitCode);
        var sentence = Assert.Single(cli.StderrLines)["Error: ".Length..];
        var apiPort = File.ReadAllText(Path.Combine(repo, "api")).Trim().Split('/')[^1];

        using var driver = BrowserSession.Start(Dir.Combine("chromium-profile"));
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(60));
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        driver.Navigate().GoToUrl($"http://127.0.0.1:{apiPort}/webui");
        driver.FindElement(By.Id("fetch-cid")).SendKeys(cid + "/missing");
        driver.FindElement(By.Id("fetch-button")).Click();
        wait.Until(d => d.FindElement(By.Id("fetch-error")).Displayed);
        Assert.Equal(sentence, driver.FindElement(By.Id("fetch-error")).Text);
    }
}
