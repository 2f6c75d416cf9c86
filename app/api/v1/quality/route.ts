import { getQualityOverview } from '@/lib/api/contracts/quality';
import { withAccount } from '@/lib/api/handler';
import { getQualityOverview as readQualityOverview, qualityFilterOf } from '@/lib/services/quality';

export const dynamic = 'force-dynamic';

/** The usage & quality overview: the page's data source and the public endpoint alike. */
export const GET = withAccount(getQualityOverview, async ({ access, query }) => readQualityOverview(access, qualityFilterOf(query)));
