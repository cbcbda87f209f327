using P2P.Node.Hosting.Gateway.DelegatedRouting;

namespace P2P.Node.Tests.Gateway.DelegatedRouting;

/// <summary>The body type chosen from Accept, as boxo's server chooses it.</summary>
public sealed class RoutingAcceptTests
{
    [Theory]
    [InlineData(RoutingMediaType.Json)]
    [InlineData(RoutingMediaType.Json, "application/json")]
    [InlineData(RoutingMediaType.Json, "*/*")]
    [InlineData(RoutingMediaType.Json, "text/html, */*;q=0.1")]
    [InlineData(RoutingMediaType.NdJson, "application/x-ndjson")]
    [InlineData(RoutingMediaType.NdJson, "application/x-ndjson, application/json;q=0.8")]
    [InlineData(RoutingMediaType.NdJson, "application/json", "application/x-ndjson")]
    [InlineData(RoutingMediaType.Unsupported, "text/html")]
    [InlineData(RoutingMediaType.Unsupported, "not a media type;;")]
    public void Choose_FollowsTheSpecsStreamingRules(RoutingMediaType expected, params string[] accept)
    {
        Assert.Equal(expected, RoutingAccept.Choose(accept));
    }
}
