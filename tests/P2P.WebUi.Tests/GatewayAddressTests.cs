using P2P.Node.Hosting.WebUi;

namespace P2P.WebUi.Tests;

/// <summary>How the dashboard learns the gateway's base URL from the repo's gateway file.</summary>
public sealed class GatewayAddressTests : IDisposable
{
    private readonly string _repo = Directory.CreateTempSubdirectory("p2p-webui-gw-").FullName;

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/8080", "http://127.0.0.1:8080")]
    [InlineData("/ip4/127.0.0.1/tcp/8080/http", "http://127.0.0.1:8080")]
    [InlineData("127.0.0.1:9090", "http://127.0.0.1:9090")]
    [InlineData("http://127.0.0.1:7070/", "http://127.0.0.1:7070")]
    [InlineData("/ip6/::1/tcp/8080", "http://[::1]:8080")]
    public void ParseGateway_AcceptsLoopbackForms(string text, string expected) =>
        Assert.Equal(expected, WebUiEndpoints.ParseGateway(text));

    [Theory]
    [InlineData("/ip4/10.0.0.5/tcp/8080")]
    [InlineData("http://example.invalid:8080")]
    [InlineData("/ip4/127.0.0.1/tcp/0")]
    [InlineData("/ip4/127.0.0.1/udp/8080")]
    [InlineData("/ip4/127.0.0.1/tcp/99999")]
    [InlineData("")]
    [InlineData("garbage")]
    public void ParseGateway_RefusesWhatIsNotALoopbackHttpAddress(string text) =>
        Assert.Null(WebUiEndpoints.ParseGateway(text));

    [Fact]
    public void GatewayUrl_ReadsTheRepoFileAndIsNullWithout()
    {
        Assert.Null(WebUiEndpoints.GatewayUrl(_repo));
        File.WriteAllText(Path.Combine(_repo, WebUiEndpoints.GatewayFileName), "/ip4/127.0.0.1/tcp/48080\n");
        Assert.Equal("http://127.0.0.1:48080", WebUiEndpoints.GatewayUrl(_repo));
    }
}
