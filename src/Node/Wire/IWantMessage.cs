namespace P2P.Node.Wire;

/// <summary>A want (WantHave, WantBlock): CIDs, a priority and whether to answer DontHave; one layout, one formatter.</summary>
internal interface IWantMessage : ICidListMessage
{
    int Priority { get; set; }

    bool SendDontHave { get; set; }
}
