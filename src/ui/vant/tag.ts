import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/tag/index.css'

export { Tag as VanTag } from 'vant'
