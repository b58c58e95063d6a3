/** Equal weight: w_i = 1/N over the universe's N assets. The 1/N benchmark every other oracle has to beat. */
import { resolveUniverse, toWeights, type OracleProposal, type ProposingOracle, type Universe } from './types.ts';

export interface EqualWeightOptions {
  readonly universe: Universe;
}

export function equalWeightOracle(options: EqualWeightOptions): ProposingOracle {
  const propose = async (at: number): Promise<OracleProposal> => {
    const assets = await resolveUniverse(options.universe, at, 'equal');
    return { weights: toWeights(assets, assets.map(() => 1 / assets.length)) };
  };
  return {
    name: 'equal',
    description: 'Equal weight: 1/N of the book in each of the N assets',
    propose,
    fetchWeights: async (at) => (await propose(at)).weights,
  };
}
