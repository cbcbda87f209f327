namespace P2P.Node.Wire;

/// <summary>A message whose whole body is one list of binary CIDs (Have, DontHave, Cancel): one layout, one formatter.</summary>
internal interface ICidListMessage
{
    List<byte[]> Cids { get; set; }
}
